/** How a settings source is named to a person (console, report, findings). */
export function describeSource(kind: string): string {
  switch (kind) {
    case 'managed-plist':
      return 'managed preferences';
    case 'managed-registry':
      return 'managed policy (registry)';
    case 'managed-file':
      return 'managed settings file';
    case 'profile':
      return 'local profile';
    case 'legacy':
      return 'legacy enterpriseConfig';
    default:
      return kind;
  }
}
