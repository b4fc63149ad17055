// The ad.linalg namespace: factorizations and solves, then norms and products.
export * from './linalg';
export * from './linalg-norms';
export * from './linalg-svd';
