// One real MP4 from the local renderer: the clip the scripted providers and fake provider servers hand out.
import type { VideoProvider } from '../../../core/ports.ts';

/** Renders a one-second 720p "sample" job on `local` and returns its file URL, polling every 50 ms up to `tries` times. */
export async function renderSampleUrl(local: VideoProvider, tries = 600): Promise<string> {
  const job = await local.submit({
    generationId: 'sample',
    kind: 'video',
    prompt: 'sample',
    resolution: '720p',
    fps: 24,
    durationSeconds: 1,
  });
  for (let i = 0; i < tries; i++) {
    const s = await local.poll(job);
    if (s.state === 'succeeded') return s.videoUrl;
    if (s.state === 'failed') throw s.error;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('sample render took too long');
}
