package reflection_test

import (
	"errors"
	"fmt"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
)

func ExampleCanRead() {
	r := reflection.Reflection{Author: "ana", AuthorTeam: "response-team", Visibility: reflection.Team}

	colleague := reflection.Viewer{Participant: "ben", Team: "response-team"}
	stranger := reflection.Viewer{Participant: "cat", Team: "control-room"}
	manager := reflection.Viewer{Participant: "dev", ManagerOf: []challenge.TeamID{"response-team"}}

	fmt.Println("colleague:", reflection.CanRead(colleague, r.Item()))
	fmt.Println("stranger:", reflection.CanRead(stranger, r.Item()))
	fmt.Println("manager:", reflection.CanRead(manager, r.Item()))

	// A response is never readable by someone who cannot read its parent.
	resp := reflection.Response{Author: "ben", AuthorTeam: "response-team", Text: "Same here."}
	fmt.Println("stranger reads the response:", reflection.CanRead(stranger, resp.Item(r)))
	// Output:
	// colleague: true
	// stranger: false
	// manager: true
	// stranger reads the response: false
}

func ExampleTextRules_CleanAnswer() {
	var rules reflection.TextRules // zero value: the defaults

	clean, err := rules.CleanAnswer("answers[0].text", "  I used <b>the form</b> &amp; it worked.\r\nThanks!\n")
	fmt.Printf("%q %v\n", clean, err)

	_, err = rules.CleanAnswer("answers[1].text", "   ")
	fmt.Println(err, errors.Is(err, challenge.ErrInvalid))
	// Output:
	// "I used <b>the form</b> &amp; it worked.\nThanks!" <nil>
	// answers[1].text: must not be empty true
}
