package gameday

import _ "embed"

// SchemaID is the $id of the game-day format's JSON Schema.
const SchemaID = "https://github.com/faultdrill/faultdrill/gameday.schema.json"

//go:embed schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of game-day files, for
// editors. Specs check that it agrees with the decoder.
func Schema() []byte { return schema }
