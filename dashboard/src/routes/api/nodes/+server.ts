import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { attempt, platform } from '$lib/server/platform.ts';

export const GET: RequestHandler = async () => json(await attempt(platform.listNodes()));
