/** LINE shows videos, previews and link buttons only from https URLs. */
export const isPublicHttps = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:';
  } catch {
    return false;
  }
};
