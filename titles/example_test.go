package titles_test

import (
	"fmt"

	"github.com/pursuit-gov/pursuit/titles"
)

func ExampleClassify() {
	for _, t := range [][2]string{
		{"Dir. of IT", ""},
		{"Chief Information Officer (CIO)", ""},
		{"Deputy Police Chief", ""},
		{"County Commissioner", ""},
		{"Director", "Finance Department"},
	} {
		fn, sen := titles.Classify(t[0], t[1])
		fmt.Printf("%s | %s → %s, %s\n", t[0], t[1], fn, sen)
	}
	// Output:
	// Dir. of IT |  → it, director
	// Chief Information Officer (CIO) |  → it, executive
	// Deputy Police Chief |  → public_safety, executive
	// County Commissioner |  → governance, elected
	// Director | Finance Department → finance, director
}
