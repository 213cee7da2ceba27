// The offline renderer's clip from a photo: a slow Ken Burns move (zoom in by 12 % while panning across) over the
// photo scaled to cover the frame, with the "VidGo local preview" label, as H.264 yuv420p +faststart. The photo is
// the one input frame: zoompan turns it into the whole clip (d = every output frame).
import { BASE_FONT, FALLBACK_TITLE } from '../media/fonts.ts';
import { H264_WEB, filterQuote as q } from '../media/binaries.ts';

export function photoRenderArgs(
  photo: string,
  out: string,
  o: { seconds: number; width: number; height: number },
): string[] {
  const fps = 24;
  const frames = Math.max(1, Math.round(o.seconds * fps));
  // Even sizes for yuv420p; the cover scale at twice the size keeps the sub-pixel pan from stepping.
  const w = o.width - (o.width % 2);
  const h = o.height - (o.height % 2);
  const graph = [
    `[0:v]scale=${w * 2}:${h * 2}:force_original_aspect_ratio=increase,crop=${w * 2}:${h * 2},setsar=1,` +
      `zoompan=z='1+0.12*on/${frames}':x='(iw-iw/zoom)*on/${frames}':y='(ih-ih/zoom)/2':d=${frames}:s=${w}x${h}:fps=${fps},` +
      `drawtext=fontfile=${q(BASE_FONT)}:text=${q(FALLBACK_TITLE)}:expansion=none:fontsize=${Math.max(10, Math.round(h / 26))}:` +
      `fontcolor=white@0.85:box=1:boxcolor=black@0.35:boxborderw=8:x=24:y=h-th-24,format=yuv420p[v]`,
  ].join(';');
  return [
    '-i',
    photo,
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-frames:v',
    String(frames),
    '-r',
    String(fps),
    ...H264_WEB,
    out,
  ];
}
