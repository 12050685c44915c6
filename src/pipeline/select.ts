/**
 * Which pipeline a request gets, from what the user sent, in order of precedence:
 *
 * 1. `qrun … --mitigation zne,readout` (the command line wins over the payload, as --shots does),
 *    or the payload's `options.mitigation: ["zne", "readout"]`;
 * 2. `options.pipeline: [{name, options}]`: an explicit, ordered pipeline (site steps included);
 * 3. IBM's options: `resilience_level` and the fields under `resilience`, `twirling` and
 *    `dynamical_decoupling` (estimator_v2_schema.json).
 *
 * IBM's levels: 0 nothing; 1 readout mitigation with measurement twirling (TREX); 2 adds ZNE with
 * gate twirling. Without `resilience_level` nothing is switched on implicitly: mitigation multiplies
 * the circuits run, and a noiseless simulator has nothing to mitigate. Explicit fields override the
 * level either way.
 *
 * Composition order (outermost first): zne → readout → twirling → dynamical_decoupling. ZNE folds
 * first so every later step treats the folded circuits; readout turns Estimator PUBs into measured
 * circuits and adds calibrations, which twirling then randomizes (measurement twirling of the
 * calibrations is what makes the learned confusion symmetric); decoupling pads the final circuits.
 */
import { z } from 'zod';
import { QrunError } from '../errors.js';
import type { StepSpec } from './step.js';
import type { PrimitiveKind } from './types.js';

const pipelineSchema = z.array(
  z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict(),
);

const autoInt = z.union([z.number().int().min(1), z.literal('auto')]);

/** The IBM option fields this module reads; everything else in `options` is none of its business. */
const ibmOptionsSchema = z.looseObject({
  pipeline: pipelineSchema.optional(),
  /** Step names, as `--mitigation` and the gateway's task options take them (a list, or one comma-separated string). */
  mitigation: z.union([z.array(z.string().min(1)), z.string().min(1)]).optional(),
  dynamical_decoupling: z
    .looseObject({
      enable: z.boolean().optional(),
      sequence_type: z.enum(['XX', 'XpXm', 'XY4']).optional(),
      scheduling_method: z.enum(['alap', 'asap']).optional(),
    })
    .optional(),
  resilience: z
    .looseObject({
      measure_mitigation: z.boolean().optional(),
      zne_mitigation: z.boolean().optional(),
      zne: z
        .looseObject({
          noise_factors: z.array(z.number()).optional(),
          extrapolator: z.union([z.string(), z.array(z.string())]).optional(),
          extrapolated_noise_factors: z.array(z.number()).optional(),
          amplifier: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  twirling: z
    .looseObject({
      enable_gates: z.boolean().optional(),
      enable_measure: z.boolean().optional(),
      num_randomizations: autoInt.optional(),
      shots_per_randomization: autoInt.optional(),
    })
    .optional(),
});

export interface SelectionInput {
  readonly kind: PrimitiveKind;
  /** The payload's `options` object, as sent. */
  readonly options: unknown;
  readonly resilienceLevel?: number | undefined;
  /** Step names from `--mitigation` (already split on commas). */
  readonly mitigation?: readonly string[] | undefined;
}

/** Names `--mitigation` accepts besides step names: IBM's words for the same steps. */
const ALIASES: Record<string, string> = { dd: 'dynamical_decoupling', measure: 'readout', twirl: 'twirling' };

export function parseMitigationFlag(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new QrunError('USAGE', '--mitigation needs at least one step name, e.g. --mitigation zne,readout');
  return names.map((n) => ALIASES[n] ?? n);
}

/** IBM's ZNE amplifier names → the fold methods here. */
function amplifier(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return name.startsWith('gate_folding') ? 'two_qubit' : name;
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function selectPipeline(input: SelectionInput): StepSpec[] {
  const parsed = ibmOptionsSchema.safeParse(input.options ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  options.${i.path.map(String).join('.')}: ${i.message}`);
    throw new QrunError('PIPELINE_OPTIONS_INVALID', `mitigation options are invalid:\n${lines.join('\n')}`, {
      hint: 'See the options section of the Estimator/Sampler V2 schema, or docs/plugins.md.',
      details: { problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
    });
  }
  const o = parsed.data;
  const twirlOptions = defined({ num_randomizations: o.twirling?.num_randomizations, shots_per_randomization: o.twirling?.shots_per_randomization });
  const ddOptions = defined({ sequence_type: o.dynamical_decoupling?.sequence_type, scheduling_method: o.dynamical_decoupling?.scheduling_method });
  const zneOptions = defined({
    noise_factors: o.resilience?.zne?.noise_factors,
    extrapolator: o.resilience?.zne?.extrapolator,
    extrapolated_noise_factors: o.resilience?.zne?.extrapolated_noise_factors,
    amplifier: amplifier(o.resilience?.zne?.amplifier),
  });

  // A payload's `options.mitigation` names steps as the flag does (the flag wins); an unknown name is
  // refused by resolvePipeline with the known ones, never ignored.
  const payloadMitigation = o.mitigation === undefined ? undefined : parseMitigationFlag(Array.isArray(o.mitigation) ? o.mitigation.join(',') : o.mitigation);
  const mitigation = input.mitigation ?? payloadMitigation;
  if (mitigation !== undefined) {
    // The flag picks steps; their options still come from the payload where it gives them.
    const optionsFor: Record<string, Record<string, unknown>> = { zne: zneOptions, twirling: twirlOptions, dynamical_decoupling: ddOptions };
    return mitigation.map((name) => ({ name, options: optionsFor[name] ?? {} }));
  }
  if (o.pipeline !== undefined) return o.pipeline.map((s) => ({ name: s.name, options: s.options ?? {} }));

  const level = input.kind === 'estimator' ? (input.resilienceLevel ?? 0) : 0;
  const zne = o.resilience?.zne_mitigation ?? level >= 2;
  const measure = o.resilience?.measure_mitigation ?? level >= 1;
  const twirlGates = o.twirling?.enable_gates ?? level >= 2;
  const twirlMeasure = o.twirling?.enable_measure ?? (measure && input.kind === 'estimator');
  const dd = o.dynamical_decoupling?.enable ?? false;

  const specs: StepSpec[] = [];
  if (zne) specs.push({ name: 'zne', options: zneOptions });
  if (measure) specs.push({ name: 'readout', options: {} });
  if (twirlGates || twirlMeasure) specs.push({ name: 'twirling', options: { ...twirlOptions, enable_gates: twirlGates, enable_measure: twirlMeasure } });
  if (dd) specs.push({ name: 'dynamical_decoupling', options: ddOptions });
  return specs;
}
