// Leonardo image-to-video: the photo is uploaded as an init image, then animated.
//   1. POST {base}/init-image {extension} → uploadInitImage {id, url, fields (a JSON string of form fields)}
//   2. POST the file to that presigned URL as multipart/form-data: every field first, the file last (S3 presigned
//      POST; no Leonardo auth header goes there)
//   3. POST {base}/generations-image-to-video {imageId, imageType: "UPLOADED", prompt, model, resolution, isPublic}
//      → motionVideoGenerationJob.generationId, polled like text-to-video (GET /generations/{id})
// Sources (docs/providers.md): @leonardo-ai/sdk operations uploadInitImage and createImageToVideoGeneration
// (CreateImageToVideoGenerationRequestBody), docs.leonardo.ai/docs/how-to-upload-an-image-using-a-presigned-url.
import { ProviderError, type SourceImageInput, type VideoRequest } from '../../core/ports.ts';
import { pick, requestJson, requireString, type HttpOptions } from './http.ts';

const RESOLUTION = { '720p': 'RESOLUTION_720', '1080p': 'RESOLUTION_1080', '4k': 'RESOLUTION_1080' } as const;

async function uploadInitImage(
  http: HttpOptions,
  base: string,
  headers: Record<string, string>,
  image: SourceImageInput,
  signal?: AbortSignal,
): Promise<string> {
  const res = await requestJson(http, {
    method: 'POST',
    url: `${base}/init-image`,
    headers,
    body: { extension: 'jpg' },
    signal,
  });
  const id = requireString('leonardo', pick(res, 'uploadInitImage', 'id'), 'uploadInitImage.id');
  const url = requireString('leonardo', pick(res, 'uploadInitImage', 'url'), 'uploadInitImage.url');
  let fields: Record<string, string>;
  try {
    fields = JSON.parse(
      requireString('leonardo', pick(res, 'uploadInitImage', 'fields'), 'uploadInitImage.fields'),
    ) as Record<string, string>;
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError('leonardo', 'bad_response', 'leonardo: uploadInitImage.fields is not JSON', true);
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
  form.append('file', new Blob([Buffer.from(await image.bytes())], { type: image.contentType }), 'photo.jpg');
  let upload: Response;
  try {
    upload = await fetch(url, {
      method: 'POST',
      body: form,
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(http.requestTimeoutMs)])
        : AbortSignal.timeout(http.requestTimeoutMs),
    });
    await upload.arrayBuffer();
  } catch (err) {
    throw new ProviderError(
      'leonardo',
      signal?.aborted ? 'canceled' : 'network',
      `leonardo: init image upload failed: ${(err as Error).message}`,
      !signal?.aborted,
    );
  }
  if (!upload.ok)
    throw new ProviderError(
      'leonardo',
      upload.status >= 500 ? 'server_error' : 'bad_request',
      `leonardo: init image upload HTTP ${upload.status}`,
      upload.status >= 500,
    );
  return id;
}

/** Uploads the photo and starts its image-to-video generation; resolves with the generation id. */
export async function submitImageToVideo(
  http: HttpOptions,
  base: string,
  headers: Record<string, string>,
  req: VideoRequest,
  signal?: AbortSignal,
): Promise<string> {
  if (!req.image)
    throw new ProviderError('leonardo', 'bad_request', 'leonardo: image-to-video without an image', false);
  const imageId = await uploadInitImage(http, base, headers, req.image, signal);
  const body = {
    imageId,
    imageType: 'UPLOADED',
    prompt: req.prompt,
    model: 'MOTION2',
    resolution: RESOLUTION[req.resolution],
    isPublic: false,
  };
  const res = await requestJson(http, {
    method: 'POST',
    url: `${base}/generations-image-to-video`,
    headers,
    body,
    signal,
  });
  return requireString(
    'leonardo',
    pick(res, 'motionVideoGenerationJob', 'generationId'),
    'motionVideoGenerationJob.generationId',
  );
}
