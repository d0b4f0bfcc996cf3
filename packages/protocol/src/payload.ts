import { z } from 'zod';

/** One encoded value. `data` is text: JSON for `json/plain`, base64 for binary encodings. */
export const Payload = z.object({
  metadata: z.record(z.string(), z.string()),
  data: z.string(),
});
export type Payload = z.infer<typeof Payload>;

export const Payloads = z.array(Payload);
