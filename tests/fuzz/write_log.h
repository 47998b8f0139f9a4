/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A log of the writes that reached a device, for the fuzzers: the harness
 * logs what the code under test wrote, the reference model what it should
 * have written, and the two logs must be equal after every step.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#ifndef VFIO_CXL_WRITE_LOG_H
#define VFIO_CXL_WRITE_LOG_H

#include <stdint.h>
#include <string.h>

#define WRITE_LOG_MAX	4	/* entries kept; the count goes on */

struct write_log {
	unsigned int n;
	uint32_t off[WRITE_LOG_MAX], val[WRITE_LOG_MAX];
};

static void write_log_add(struct write_log *l, uint32_t off, uint32_t val)
{
	if (l->n < WRITE_LOG_MAX) {
		l->off[l->n] = off;
		l->val[l->n] = val;
	}
	l->n++;
}

/* NULL if @got and @want are the same writes, else what differs */
static const char *write_log_diff(const struct write_log *got,
				  const struct write_log *want)
{
	if (got->n != want->n)
		return "writes reached the device, the model forwards";
	for (unsigned int i = 0; i < got->n && i < WRITE_LOG_MAX; i++)
		if (got->off[i] != want->off[i] || got->val[i] != want->val[i])
			return "a forwarded write differs from the model's";
	return NULL;
}

#endif /* VFIO_CXL_WRITE_LOG_H */
