/** The client's connection state as React state, for the footer. */
import { useEffect, useState } from 'react';
import type { ApiClient, ConnectionState } from '../api/index.js';

export function useConnection(api: ApiClient): ConnectionState {
  const [state, setState] = useState(api.connection());
  useEffect(() => api.onConnection(setState), [api]);
  return state;
}
