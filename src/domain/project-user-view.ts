import type { ProjectUser } from './project.js';
import { canSeePrivateFields, type Viewer } from './visibility.js';

/** What a non-admin may read of another project user: no IP, no private attributes. */
export function publicView(pu: ProjectUser): ProjectUser {
  return { ...pu, last_ip: null, attributes: {} };
}

/** A project user as `viewer` may read it: the same view over REST as over the Realtime API. */
export function projectUserFor(viewer: Viewer, pu: ProjectUser): ProjectUser {
  return canSeePrivateFields(viewer, pu.uuid_user) ? pu : publicView(pu);
}
