/**
 * IBM's spank_qrmi / QRMI configuration (`/etc/slurm/qrmi_config.json`), as qrmi 0.26 reads it:
 * `{"resources": [{"name", "type", "environment": {"QRMI_...": "..."}, "is_dynamic"?}]}`. Newer
 * files may also list `providers` (dynamic discovery); those name no device, so they cannot become
 * catalogue entries and are reported instead. Unknown keys are kept out of the way, not refused:
 * this is someone else's format, read in order to leave it.
 */
import { z } from 'zod';

const resourceSchema = z
  .object({
    name: z.string().min(1),
    type: z.string().min(1),
    environment: z.record(z.string(), z.string()).default({}),
    is_dynamic: z.boolean().optional(),
  })
  .loose();

export const qrmiConfigSchema = z
  .object({
    version: z.number().optional(),
    resources: z.array(resourceSchema).default([]),
    providers: z.array(z.object({ type: z.string(), environment: z.record(z.string(), z.string()).optional() }).loose()).optional(),
  })
  .loose();

export type QrmiConfig = z.infer<typeof qrmiConfigSchema>;
export type QrmiResource = QrmiConfig['resources'][number];
