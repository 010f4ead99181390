import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { platform } from '$lib/server/platform.ts';
import { errorResponse } from '$lib/server/http.ts';

export const GET: RequestHandler = async ({ url }) => {
  const q = url.searchParams;
  const opt = (k: string) => q.get(k) || undefined;
  try {
    const invocations = await platform.listInvocations({
      function: opt('function'),
      status: opt('status'),
      from: opt('from'),
      to: opt('to'),
      search: opt('search'),
      requestId: opt('requestId'),
      backend: opt('backend'),
      agentId: opt('agent'),
      limit: Math.min(1000, Number(q.get('limit') ?? 50) || 50),
    });
    return json({ invocations });
  } catch (err) {
    return errorResponse(err);
  }
};
