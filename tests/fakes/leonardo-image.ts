// Leonardo's image-to-video steps for the fake: POST /init-image (the presigned upload it hands out), the S3 form
// POST of the file, and the request check of POST /generations-image-to-video. Request bodies are checked with the
// official SDK's own zod schemas (@leonardo-ai/sdk operations uploadInitImage, createImageToVideoGeneration): a
// field the SDK does not know, a wrong type or a missing required field is a 400, as a changed API would answer.
import { CreateImageToVideoGenerationRequestBody$outboundSchema as ImageToVideoBody } from '@leonardo-ai/sdk/sdk/models/operations/createimagetovideogeneration.js';
import { UploadInitImageRequestBody$outboundSchema as UploadBody } from '@leonardo-ai/sdk/sdk/models/operations/uploadinitimage.js';
import type { FakeReply, Recorded } from './http.ts';

export interface InitImages {
  /** Presigned uploads handed out, by init image id; `bytes` once the file arrived. */
  byId: Map<string, { key: string; fields: Record<string, string>; bytes?: Buffer; contentType?: string }>;
}

const bad = (message: string): FakeReply => ({
  status: 400,
  body: { error: message, path: '$', code: 'validation-failed' },
});

/** The SDK schema accepts exactly this object: nothing unknown, nothing of a wrong type. */
function strictly(
  schema: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { message: string } } },
  body: unknown,
): string | null {
  const r = schema.safeParse(body);
  if (!r.success) return r.error!.message.slice(0, 300);
  const unknown = Object.keys(body as object).filter((k) => !(k in (r.data as object)));
  return unknown.length ? `unknown field(s): ${unknown.join(', ')}` : null;
}

let seq = 0;

export function leonardoInitImages(prefix: string): {
  images: InitImages;
  extra(req: Recorded, base: string): Promise<FakeReply | undefined>;
  check(path: string, req: Recorded): FakeReply | undefined;
} {
  const images: InitImages = { byId: new Map() };
  return {
    images,
    async extra(req, base) {
      if (req.method === 'POST' && req.path === `${prefix}/init-image`) {
        if (!String(req.headers.authorization ?? '').startsWith('Bearer '))
          return { status: 401, body: { error: 'Invalid token' } };
        const problem = strictly(UploadBody, req.body);
        if (problem) return bad(problem);
        const id = `init-${++seq}`;
        const fields = {
          key: `uploads/${id}.jpg`,
          bucket: 'fake-leonardo',
          'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
          Policy: 'eyJmYWtlIjp0cnVlfQ==',
          'X-Amz-Signature': `sig-${id}`,
        };
        images.byId.set(id, { key: fields.key, fields });
        return {
          body: { uploadInitImage: { id, key: fields.key, url: `${base}/s3-upload`, fields: JSON.stringify(fields) } },
        };
      }
      if (req.method === 'POST' && req.path === '/s3-upload') {
        // An S3 presigned POST: multipart form, the policy fields as given, the file last; no API key goes here.
        if (req.headers.authorization)
          return {
            status: 400,
            raw: '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
          };
        const form = await new Response(new Uint8Array(req.raw), {
          headers: { 'content-type': String(req.headers['content-type'] ?? '') },
        })
          .formData()
          .catch(() => null);
        if (!form) return { status: 400, raw: '<Error><Code>MalformedPOSTRequest</Code></Error>' };
        const entries = [...form.entries()];
        const file = form.get('file');
        const upload = [...images.byId.values()].find((u) => u.key === form.get('key'));
        if (!upload || !(file instanceof Blob) || entries.at(-1)?.[0] !== 'file')
          return { status: 400, raw: '<Error><Code>InvalidArgument</Code></Error>' };
        if (Object.entries(upload.fields).some(([k, v]) => form.get(k) !== v))
          return { status: 403, raw: '<Error><Code>AccessDenied</Code></Error>' };
        upload.bytes = Buffer.from(await file.arrayBuffer());
        upload.contentType = file.type;
        return { status: 204 };
      }
      return undefined;
    },
    check(path, req) {
      if (path !== '/generations-image-to-video') return undefined;
      const problem = strictly(ImageToVideoBody, req.body);
      if (problem) return bad(problem);
      const b = req.body as { imageId: string; imageType: string };
      if (b.imageType !== 'UPLOADED' || !images.byId.get(b.imageId)?.bytes)
        return bad(`no uploaded init image ${b.imageId}`);
      return undefined;
    },
  };
}
