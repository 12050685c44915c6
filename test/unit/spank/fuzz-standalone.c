/*
 * A stand-in for libFuzzer where clang has none: mutates the seed files given as arguments with a
 * fixed-seed generator and calls the fuzz target -runs=N times (built with ASan and UBSan, so a bad
 * read aborts). Usage: fuzz-standalone -runs=N seed...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT 8192
#define MAX_SEEDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (state);
}

/* Bytes the parser treats specially, so mutations reach its edges often. */
static const uint8_t interesting[] = { '\n', '\0', '\r', ' ', '=', '_', 'A', 'Z', 'a', '0', '2', 0x1b, 0x7f, 0xff };

static size_t mutate(uint8_t *buf, size_t len)
{
	size_t at = len > 0 ? (size_t)(next_random() % len) : 0, n;

	switch (next_random() % 5) {
	case 0: /* flip a bit */
		if (len > 0)
			buf[at] ^= (uint8_t)(1U << (next_random() % 8));
		return (len);
	case 1: /* insert a byte */
		if (len == MAX_INPUT)
			return (len);
		memmove(buf + at + 1, buf + at, len - at);
		buf[at] = interesting[next_random() % sizeof(interesting)];
		return (len + 1);
	case 2: /* delete a run */
		n = len > at ? (size_t)(next_random() % (len - at) + 1) % 64 : 0;
		memmove(buf + at, buf + at + n, len - at - n);
		return (len - n);
	case 3: /* repeat a run (long lines, many env lines) */
		n = len > at ? (size_t)(next_random() % (len - at)) : 0;
		if (len + n > MAX_INPUT)
			return (len);
		memmove(buf + at + n, buf + at, len - at);
		return (len + n);
	default: /* cut short */
		return (at);
	}
}

int main(int argc, char **argv)
{
	static uint8_t seeds[MAX_SEEDS][MAX_INPUT], buf[MAX_INPUT];
	size_t sizes[MAX_SEEDS], count = 0, len;
	long runs = 20000;
	FILE *f;

	for (int i = 1; i < argc; ++i) {
		if (strncmp(argv[i], "-runs=", 6) == 0) {
			runs = strtol(argv[i] + 6, NULL, 10);
			continue;
		}
		if (count == MAX_SEEDS || (f = fopen(argv[i], "rb")) == NULL)
			return (2);
		sizes[count] = fread(seeds[count], 1, MAX_INPUT, f);
		fclose(f);
		count++;
	}
	if (count == 0)
		return (2);
	for (long r = 0; r < runs; ++r) {
		size_t pick = (size_t)(next_random() % count);
		memcpy(buf, seeds[pick], sizes[pick]);
		len = sizes[pick];
		for (uint64_t m = next_random() % 4 + 1; m > 0; --m)
			len = mutate(buf, len);
		/* A copy of exactly len bytes, so ASan sees any read past the reply's end. */
		uint8_t *input = malloc(len > 0 ? len : 1);
		if (input == NULL)
			return (2);
		memcpy(input, buf, len);
		LLVMFuzzerTestOneInput(input, len);
		free(input);
	}
	printf("fuzz-standalone: %ld runs over %zu seeds, no failure\n", runs, count);
	return (0);
}
