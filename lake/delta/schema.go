package delta

import "encoding/json"

// StructType is a Spark struct schema, the JSON of metaData.schemaString.
type StructType struct {
	Type   string        `json:"type"`
	Fields []StructField `json:"fields"`
}

// StructField is one field of a StructType. Type is a primitive type name
// ("long", "string", "timestamp", …) or, for nested types, raw JSON.
type StructField struct {
	Name     string          `json:"name"`
	Type     json.RawMessage `json:"type"`
	Nullable bool            `json:"nullable"`
	Metadata map[string]any  `json:"metadata"`
}

// TypeName returns the field's primitive type name, or "" for a nested
// type.
func (f StructField) TypeName() string {
	var s string
	if err := json.Unmarshal(f.Type, &s); err != nil {
		return ""
	}
	return s
}

// Field returns a nullable field of a primitive type.
func Field(name, typ string) StructField {
	b, _ := json.Marshal(typ)
	return StructField{Name: name, Type: b, Nullable: true, Metadata: map[string]any{}}
}

// NewStruct returns the struct of the given fields.
func NewStruct(fields ...StructField) StructType {
	return StructType{Type: "struct", Fields: fields}
}

// String returns the schema as the JSON string metaData.schemaString holds.
func (s StructType) String() string {
	b, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	return string(b)
}
