import { expect, it } from 'vitest';
import { isKeyShaped, keyShapedTokens, isCredentialHeaderName } from '../../src/core/key-shape.js';
it('shapes', () => {
  for (const k of [
    'Zq9Xw7Vr4Ty2Mn8Kp3Lj6Hg5Fd1Sa0Qw',
    'sk-ant-api03-Wq7Zx4Rv9TyPm2Kd8Ls5Hj3Nb6Vc1Xf0Ga',
    'pk-DoctorTestKey-Zq9Xw7Vr4Ty2',
    'sk-proj-Jm5Nq8Vx2RzQw4Te7Yu1Io3Pa6Sd9Fg',
    'vzZRwA5l6SfjFqzFQRv4ITAX3DKy',
  ])
    expect(isKeyShaped(k), k).toBe(true);
  for (const k of [
    'MyProfile2024Production',
    'claude-sonnet-4-5-20250929',
    'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10',
    'Claude-Sonnet-Deployment-2024',
    'x-portkey-metadata',
    'inferenceGatewayBaseUrl',
    'ANTHROPIC_API_KEY_2024_PROD',
  ])
    expect(isKeyShaped(k), k).toBe(false);
  expect(keyShapedTokens('https://api.portkey.ai/Zq9Xw7Vr4Ty2Mn8Kp3Lj6Hg5Fd1Sa0Qw')).toEqual(['Zq9Xw7Vr4Ty2Mn8Kp3Lj6Hg5Fd1Sa0Qw']);
  expect(isCredentialHeaderName('x-portkey-metadata')).toBe(false);
  expect(isCredentialHeaderName('x-portkey-provider')).toBe(false);
  expect(isCredentialHeaderName('X-Portkey-Api-Key')).toBe(true);
});
