/**
 * The channel byte that starts every WebSocket message of remotecommand
 * (k8s.io/apimachinery wsstream), for berthd's server and berthctl's client.
 * CLOSE_SIGNAL (v5) says the channel in the next byte has ended.
 */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE_SIGNAL = 255;
