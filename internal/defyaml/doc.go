// Package defyaml is the machinery shared by habitkit's definition-file
// parsers: challenge.ParseDefinition (the programme), badge.ParseDefinitions
// (the "badges" section), leaderboard.ParseSettings ("leaderboards") and
// reflection.ParseSettings ("reflections"). Each parser reads the same file
// and keeps only what is specific to its section; the reading itself lives
// here.
//
// # Reading
//
// A [Decoder] reads the file through [yaml.Node], so that every value keeps
// its line. It follows aliases (*name) itself, counting the nodes it visits
// so that an alias bomb ("billion laughs") is refused instead of expanded,
// and it collects every [Problem] instead of stopping at the first. YAML
// syntax errors become problems too, with the line corrected where yaml
// reports a 0-based one.
//
// # Paths
//
// A value has two names, held by a [Path]: its path in the Go value the
// parser builds, as the parser's Validate names it ("levels[1].points"), and
// its path as written in the file ("points.levels[1].points"). The decoder
// marks where each Go path sits in the file, so that problems found later
// by Validate can be adopted: given the line and the path as written, or
// dropped when decoding already reported the same value ([Decoder.Adopt]).
//
// # Mappings
//
// A mapping is decoded with a [Section]: a table of the keys it accepts.
// Keys are forgiving in spelling ([NormKey]: case, spaces, '-' and '_' do
// not matter); an unknown key is a problem with a hint (where it belongs,
// or "did you mean"), and a key given twice is a problem. Scalars are
// decoded by [Decoder.Text], [Decoder.List] (a single value is a list of
// one) and [Decoder.SplitScalars] (one line may hold several values
// separated by commas); [ParseRange] reads day ranges such as "1-5".
//
// The package cannot import challenge (challenge imports it), so a problem
// is a [Problem], which has the fields of challenge.ValidationError in the
// same order: the parsers convert with a type conversion.
package defyaml
