/*
 * STREAM-style triad a[i] = b[i] + s * c[i] on float64 arrays of `n` elements, with OpenMP threads
 * (OMP_NUM_THREADS, default: all CPUs). Reports the best of `reps` runs in GB/s counting 24 bytes
 * per element (STREAM's convention: two reads and one write, write-allocate traffic not counted).
 * Also reports an in-place scale a[i] = s * a[i] (16 bytes per element), the access pattern of a
 * statevector sweep. Output: one JSON line.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double now(void) { return omp_get_wtime(); }

int main(int argc, char** argv) {
  const long n = argc > 1 ? atol(argv[1]) : 1L << 26;
  const int reps = argc > 2 ? atoi(argv[2]) : 5;
  double* a = aligned_alloc(64, n * sizeof(double));
  double* b = aligned_alloc(64, n * sizeof(double));
  double* c = aligned_alloc(64, n * sizeof(double));
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    a[i] = 1.0;
    b[i] = 2.0;
    c[i] = 0.5;
  }
  double best_triad = 1e30, best_scale = 1e30;
  const double s = 3.0;
  for (int r = 0; r < reps; ++r) {
    double t0 = now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
    double t1 = now();
    if (t1 - t0 < best_triad) best_triad = t1 - t0;
    t0 = now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) b[i] = 0.999 * b[i];
    t1 = now();
    if (t1 - t0 < best_scale) best_scale = t1 - t0;
  }
  double check = 0;
  for (long i = 0; i < n; i += 4096) check += a[i] + b[i];
  printf("{\"threads\": %d, \"elements\": %ld, \"triadGBs\": %.2f, \"scaleGBs\": %.2f, \"check\": %.3f}\n", omp_get_max_threads(), n,
         24.0 * n / best_triad / 1e9, 16.0 * n / best_scale / 1e9, check);
  return 0;
}
