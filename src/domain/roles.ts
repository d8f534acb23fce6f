export const roles = ['owner', 'admin', 'supervisor', 'agent', 'user', 'guest'] as const;
export type Role = (typeof roles)[number];

/** Roles that work the desk: they may use the Realtime API and see requests. */
export const memberRoles: readonly Role[] = ['owner', 'admin', 'supervisor', 'agent'];
/** Roles that see every request of the project and manage agents. */
export const supervisingRoles: readonly Role[] = ['owner', 'admin', 'supervisor'];
/** Roles that may change the project's configuration (project users, departments). */
export const adminRoles: readonly Role[] = ['owner', 'admin'];
/** Visitors: they only ever see the requests they started. */
export const visitorRoles: readonly Role[] = ['user', 'guest'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
export const isMember = (role: Role): boolean => memberRoles.includes(role);
export const isSupervising = (role: Role): boolean => supervisingRoles.includes(role);
export const isAdmin = (role: Role): boolean => adminRoles.includes(role);
export const isVisitor = (role: Role): boolean => visitorRoles.includes(role);
