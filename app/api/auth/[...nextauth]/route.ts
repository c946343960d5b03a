// Auth.js endpoints: session, CSRF token, sign-out.
import { handlers } from '@/auth';

export const { GET, POST } = handlers;
