// Package httpapi speaks a system's own HTTP API, so that a drill needs no
// adapter in front of it: request templates that faultdrill fills for each
// request, and response rules that say what an answer means.
//
// # Request templates
//
// A Request's path, header values and body may hold placeholders, each
// "{NAME}" or "{NAME|FUNC|FUNC…}":
//
//	id      the operation's unique request id
//	key     the key a key-value operation addresses
//	value   the value a write writes (its request id, by convention)
//	now     the current time, RFC 3339 with nanoseconds, UTC
//	unixms  the current time in milliseconds since the Unix epoch
//
// and the functions, applied left to right:
//
//	base64     standard base64 (with padding)
//	base64url  URL-safe base64 (no padding)
//	json       a JSON string literal, quotes included: {"v":{value|json}}
//	query      escaped for a URL query (url.QueryEscape)
//	path       escaped for a URL path segment (url.PathEscape)
//
// A brace that does not open such a placeholder ("{" followed by a quote,
// a space, …) is literal text, so JSON bodies are written as they are. A
// "{word}" whose name is not one of the above is an error when the template
// is compiled, not literal text: a typo is caught before a drill starts.
//
// # Response rules
//
// A Response says, for each answer: whether it acknowledges the request
// (Ack: statuses, default any 2xx), whether it means "no such item"
// (Absent: statuses, default 404, or a JSON-path predicate such as "kvs is
// empty"), where the value read is (Value: a header or a JSON path, maybe
// base64-encoded; default the X-Value header) and where the version that
// served it is (Version: default the X-Version header). JSON paths are
// dotted: "$.kvs[0].value", "count", "$[2]".
package httpapi
