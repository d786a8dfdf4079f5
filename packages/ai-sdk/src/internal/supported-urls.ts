import type { LanguageModelV4 } from "@ai-sdk/provider";

type SupportedUrls = Record<string, RegExp[]>;

/**
 * The URLs both models accept as they are: for each media type both list, the patterns both list (same source and
 * flags). The AI SDK asks before it knows which model a call goes to, and downloads every URL not listed, so the
 * intersection is what is safe for either model.
 */
export async function intersectSupportedUrls(strong: LanguageModelV4, weak: LanguageModelV4): Promise<SupportedUrls> {
  const [first, second] = await Promise.all([strong.supportedUrls, weak.supportedUrls]);
  const result: SupportedUrls = {};
  for (const [mediaType, patterns] of Object.entries(first)) {
    const other = second[mediaType];
    if (other === undefined) continue;
    const keys = new Set(other.map(patternKey));
    const shared = patterns.filter((pattern) => keys.has(patternKey(pattern)));
    if (shared.length > 0) result[mediaType] = shared;
  }
  return result;
}

function patternKey(pattern: RegExp): string {
  return `${pattern.flags}/${pattern.source}`;
}
