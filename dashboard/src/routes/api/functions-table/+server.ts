import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { attempt } from '$lib/server/platform.ts';
import { functionsTable } from '$lib/server/functions-table.ts';

export const GET: RequestHandler = async () => json(await attempt(functionsTable()));
