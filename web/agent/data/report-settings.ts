/** Report settings (the weekly digest), as the API returns them. */
import type { ApiClient } from '../../shared/api.js';

export interface DigestSettings {
  enabled: boolean;
  schedule: string;
  timezone: string;
}

export const reportSettings = {
  get: (api: ApiClient) => api.get<{ digest: DigestSettings }>('/reports/settings').then((r) => r.digest),
  update: (api: ApiClient, patch: Partial<DigestSettings>) => api.patch<{ digest: DigestSettings }>('/reports/settings', { digest: patch }).then((r) => r.digest),
};
