package query_test

import (
	"fmt"

	"github.com/pursuit-gov/pursuit/query"
)

func ExampleParse() {
	q, err := query.Parse(`director "public works" -intern department:parks`)
	if err != nil {
		panic(err)
	}
	for _, c := range q.Clauses {
		fmt.Printf("field=%q terms=%q phrase=%v negated=%v\n", c.Field, c.Terms, c.Phrase, c.Negated)
	}
	_, err = query.Parse(`it director "chief`)
	fmt.Println(err)
	// Output:
	// field="" terms=["director"] phrase=false negated=false
	// field="" terms=["public" "works"] phrase=true negated=false
	// field="" terms=["intern"] phrase=false negated=true
	// field="dept" terms=["parks"] phrase=false negated=false
	// q: unterminated quote at character 13
}
