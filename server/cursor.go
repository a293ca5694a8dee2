package server

// listParams returns a list's limit and nextToken query parameters as
// every filter takes them; an absent one is 0 or "", which the store reads
// as the default page size or the first page.
func listParams(limit *int, nextToken *string) (int, string) {
	n, token := 0, ""
	if limit != nil {
		n = *limit
	}
	if nextToken != nil {
		token = *nextToken
	}
	return n, token
}

// optional is the API form of a string that may be empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
