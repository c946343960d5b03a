/** How long an invitation's link works. Its own module so client components can say it. */
export const INVITATION_DAYS = 7;
