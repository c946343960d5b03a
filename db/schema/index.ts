export * from './access-codes';
export * from './columns';
export * from './devices';
export * from './operations';
export * from './organizations';
export * from './properties';
export * from './reservations';
export * from './sessions';
