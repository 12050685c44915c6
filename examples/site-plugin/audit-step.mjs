/**
 * A sample site plugin: a step that records what a request ran and stamps it on the result.
 * It shows the whole contract (docs/plugins.md):
 *   - a default export with name, version, description, kinds, a zod options schema, and hooks;
 *   - `pre` reads the batch and writes to the request's shared context (`ctx.shared`), which every
 *     other step of the same request can read — and nothing else can;
 *   - `post` reads what `pre` and other steps left there (here: ZNE's noise factors, if ZNE ran)
 *     and adds its findings to the result's metadata.
 * Catalogue: "plugins": ["/etc/slurm/qpu-plugins/audit-step.mjs"]; select it with
 * options.pipeline: [{"name": "site-audit", "options": {"label": "chem-group"}}].
 */
import { z } from 'zod';

const AUDIT = { name: 'site.audit' };
const ZNE_FACTORS = { name: 'zne.noise_factors' };

export default {
  name: 'site-audit',
  version: '1.0.0',
  description: 'Records how many circuits and shots a request ran and tags the result with a site label.',
  kinds: ['sampler', 'estimator'],
  options: z
    .object({
      /** Free text copied to the result metadata (a project code, a group name). */
      label: z.string().max(100).default('unlabelled'),
    })
    .strict(),
  pre(batch, ctx, options) {
    const pubs = [...batch.sampler, ...batch.estimator];
    ctx.shared.set(AUDIT, {
      label: options.label,
      circuits: pubs.length,
      shots: pubs.reduce((sum, pub) => sum + pub.shots * Math.max(1, pub.bindings.rows.length), 0),
    });
    return batch;
  },
  post(results, ctx) {
    const audit = ctx.shared.get(AUDIT);
    ctx.note('audit', { ...audit, zne_noise_factors: ctx.shared.get(ZNE_FACTORS) ?? null });
    return results;
  },
};
