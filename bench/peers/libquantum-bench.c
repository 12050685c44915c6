/*
 * libquantum (Debian's libquantum-dev) running the benchmark circuits of bench/lib/circuits.mjs:
 *   libquantum-bench FAMILY N REPS [LAYERS SEED]
 * FAMILY is hcxrz (H on all, CX chain, RZ on all; LAYERS times), qft (H and RZ on every qubit, then
 * libquantum's own quantum_qft: H + controlled phases, without the final swaps) or qv (random layered circuit: per pair,
 * u3 x u3 then 3 x [cx, u3 x u3], with this file's own PRNG: the same structure as the JS one, not
 * the same angles). Prints one JSON line with the best wall time of REPS runs, state creation
 * included. libquantum stores the state as a hash of non-zero basis states with single-precision
 * complex amplitudes; the Debian build parallelises its gate loops with OpenMP (OMP_NUM_THREADS).
 */
#include <complex.h>
#include <math.h>
#include <quantum.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned int state = 1;
static double uniform(void) {
  state = state * 1664525u + 1013904223u;
  return (state >> 8) / 16777216.0;
}

static void u3(int q, double theta, double phi, double lambda, quantum_reg* reg) {
  quantum_matrix m = quantum_new_matrix(2, 2);
  const double c = cos(theta / 2), s = sin(theta / 2);
  m.t[0] = c;
  m.t[1] = -(cos(lambda) + I * sin(lambda)) * s;
  m.t[2] = (cos(phi) + I * sin(phi)) * s;
  m.t[3] = (cos(phi + lambda) + I * sin(phi + lambda)) * c;
  quantum_gate1(q, m, reg);
  quantum_delete_matrix(&m);
}

static int run(const char* family, int n, int layers) {
  quantum_reg reg = quantum_new_qureg(0, n);
  if (strcmp(family, "hcxrz") == 0) {
    for (int l = 0; l < layers; ++l) {
      for (int q = 0; q < n; ++q) quantum_hadamard(q, &reg);
      for (int q = 0; q + 1 < n; ++q) quantum_cnot(q, q + 1, &reg);
      for (int q = 0; q < n; ++q) quantum_r_z(q, 0.1 + 0.01 * q, &reg);
    }
  } else if (strcmp(family, "qft") == 0) {
    for (int q = 0; q < n; ++q) { /* the same prepared input as bench/lib/circuits.mjs qft() */
      quantum_hadamard(q, &reg);
      quantum_r_z(q, 0.1 + 0.01 * q, &reg);
    }
    quantum_qft(n, &reg);
  } else {
    int* perm = malloc(n * sizeof(int));
    for (int l = 0; l < layers; ++l) {
      for (int i = 0; i < n; ++i) perm[i] = i;
      for (int i = n - 1; i > 0; --i) {
        int j = (int)(uniform() * (i + 1));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (int p = 0; p + 1 < n; p += 2) {
        int a = perm[p], b = perm[p + 1];
        u3(a, 6.28 * uniform(), 6.28 * uniform(), 6.28 * uniform(), &reg);
        u3(b, 6.28 * uniform(), 6.28 * uniform(), 6.28 * uniform(), &reg);
        for (int k = 0; k < 3; ++k) {
          quantum_cnot(a, b, &reg);
          u3(a, 6.28 * uniform(), 6.28 * uniform(), 6.28 * uniform(), &reg);
          u3(b, 6.28 * uniform(), 6.28 * uniform(), 6.28 * uniform(), &reg);
        }
      }
    }
    free(perm);
  }
  const int size = reg.size;
  quantum_delete_qureg(&reg);
  return size;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s hcxrz|qft|qv N REPS [LAYERS SEED]\n", argv[0]);
    return 2;
  }
  const char* family = argv[1];
  const int n = atoi(argv[2]), reps = atoi(argv[3]);
  const int layers = argc > 4 ? atoi(argv[4]) : 1;
  state = argc > 5 ? (unsigned)atoi(argv[5]) : 1;
  double best = 1e30;
  int size = 0;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now();
    size = run(family, n, layers);
    const double t = now() - t0;
    if (t < best) best = t;
  }
  printf("{\"family\": \"%s\", \"qubits\": %d, \"ms\": %.3f, \"basisStates\": %d}\n", family, n, best * 1e3, size);
  return 0;
}
