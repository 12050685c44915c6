/*
 * Reads `args VALUE` or `config ARG ARG...` lines (arguments separated by tabs) on stdin and prints,
 * per line, what the shim makes of it: `ok LIST` / `ok` or `refused: REASON`. Built with ASan and
 * UBSan by the unit tests, so every row of the bad-input table also runs under the sanitizers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../args.h"
#include "../common.h"
#include "../config.h"

#define MAX_ARGS 16

int main(void)
{
	static char line[65536];
	char out[QPU_LIST_MAX], err[QPU_MESSAGE_MAX];
	struct qpu_config config;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "args ", 5) == 0) {
			if (qpu_args_parse_list(line + 5, out, sizeof(out), err, sizeof(err)) == 0)
				printf("ok %s\n", out);
			else
				printf("refused: %s\n", err);
		} else if (strncmp(line, "config", 6) == 0) {
			char *av[MAX_ARGS];
			int ac = 0;
			for (char *tok = strtok(line + 6, "\t"); tok != NULL && ac < MAX_ARGS; tok = strtok(NULL, "\t"))
				av[ac++] = strdup(tok);
			if (qpu_config_parse(&config, ac, av, err, sizeof(err)) == 0)
				printf("ok\n");
			else
				printf("refused: %s\n", err);
			for (int i = 0; i < ac; ++i)
				free(av[i]);
		} else {
			printf("refused: driver: unknown line\n");
		}
		fflush(stdout);
	}
	return (0);
}
