// SPDX-License-Identifier: GPL-2.0-only
/*
 * json-get: parse standard input as one JSON document with json-c (strict)
 * and print the value at a dotted path, for checks in the test VM.
 *
 *   json-get devices.0.bdf      a string prints bare, anything else as JSON
 *   json-get devices.length     an array's length
 *   json-get .                  the whole document (proves it parses)
 *
 * Exit status: 0 found, 1 not JSON (or text after the document), 3 no such
 * path.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static char in[1 << 20];
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc, *o;
	size_t n = fread(in, 1, sizeof(in) - 1, stdin);
	char *path, *part, *save = NULL;

	if (argc != 2 || !tok)
		return 2;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	doc = json_tokener_parse_ex(tok, in, (int)n);
	if (!doc || json_tokener_get_error(tok) != json_tokener_success ||
	    in[tok->char_offset + strspn(in + tok->char_offset, " \t\r\n")]) {
		fprintf(stderr, "json-get: not one JSON document: %s\n",
			json_tokener_error_desc(json_tokener_get_error(tok)));
		return 1;
	}
	o = doc;
	path = strdup(argv[1]);
	for (part = strtok_r(path, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array) && !strcmp(part, "length")) {
			printf("%zu\n", json_object_array_length(o));
			return 0;
		}
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, strtoul(part, NULL, 10));
		else if (!json_object_object_get_ex(o, part, &o))
			o = NULL;
		else if (!o && !strtok_r(NULL, ".", &save)) {
			printf("null\n");	/* the last part names a JSON null */
			return 0;
		}
		if (!o) {
			fprintf(stderr, "json-get: no %s in the document\n", argv[1]);
			return 3;
		}
	}
	if (json_object_is_type(o, json_type_string))
		printf("%s\n", json_object_get_string(o));
	else
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	return 0;
}
