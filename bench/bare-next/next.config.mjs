// The bare app's own (empty) configuration, so Keyhold's is not picked up from above.
export default {};
