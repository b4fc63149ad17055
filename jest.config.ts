/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/docs', '<rootDir>/bench', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/matchers.ts'],
  // d3's packages are ES modules only (the docs' charts use d3-scale): ts-jest compiles them too
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '^.+/node_modules/(d3-[a-z-]+|internmap)/.+\\.m?js$': [
      'ts-jest',
      { tsconfig: { allowJs: true }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(d3-[a-z-]+|internmap)/)'],
  moduleNameMapper: {
    '^@ad/nn/node$': '<rootDir>/packages/nn/src/node.ts',
    '^@ad/(.*)$': '<rootDir>/packages/$1/src',
  },
};

export default config;
