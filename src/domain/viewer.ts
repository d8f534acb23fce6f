import type { ProjectUser } from './project.js';
import type { Viewer } from './visibility.js';

/** A project user as the visibility rules see them when they look: role, departments, and whether they are active. */
export function viewerOf(pu: ProjectUser): Viewer {
  return { userId: pu.uuid_user, role: pu.role, departmentIds: pu.departments, active: pu.status === 'active' };
}
