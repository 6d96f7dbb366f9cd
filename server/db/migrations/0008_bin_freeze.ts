import { sql, type Kysely } from 'kysely';
import { postMovementFunction } from './0005_workflows.ts';

/**
 * Frozen bins: a periodic count freezes the bins it covers, and nothing moves in or out of them until
 * the count is approved or cancelled (`blocked` only stops stock coming in; a blocked bin can still be
 * emptied). The one writer enforces it, so no path can forget: a leg on a frozen bin raises WM423,
 * except the count's own variance posting.
 */
const FROZEN_CHECK = `
    if p->>'type' <> 'count_variance' and exists (select 1 from bins where id = v_leg."binId" and frozen) then
      raise exception using errcode = 'WM423',
        message = format('bin %s is frozen for a stock count', (select code from bins where id = v_leg."binId")),
        detail = jsonb_build_object('leg', v_leg.ord - 1, 'binId', v_leg."binId")::text;
    end if;
`;
const ANCHOR = `      raise exception using errcode = 'WM400', message = 'every leg needs a non-zero delta';
    end if;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw('alter table bins add column frozen boolean not null default false').execute(db);
  if (!postMovementFunction.includes(ANCHOR)) throw new Error('0008: wms_post_movement anchor not found');
  await sql.raw(postMovementFunction.replace(ANCHOR, ANCHOR + FROZEN_CHECK)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(postMovementFunction).execute(db);
  await sql.raw('alter table bins drop column if exists frozen').execute(db);
}
