'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { z } from 'zod';
import { getQueryClient } from './query-client';

// In the browser zod would probe for eval (`new Function`) before compiling its
// object parsers; the page's CSP refuses eval and reports each probe as a
// violation. Only the browser: the setting is process-wide, and the server may eval.
if (typeof window !== 'undefined') z.config({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={getQueryClient()}>{children}</QueryClientProvider>;
}
