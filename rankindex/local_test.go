package rankindex_test

import (
	"testing"

	"github.com/habitkit/habitkit/rankindex"
	"github.com/habitkit/habitkit/rankindex/rankindextest"
)

func TestLocalConformance(t *testing.T) {
	rankindextest.Run(t, func(t *testing.T) rankindex.Index { return rankindex.NewLocal() })
}
