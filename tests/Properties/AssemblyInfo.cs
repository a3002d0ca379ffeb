using Verify.TestSupport;

// Every test in this assembly must dispose every tensor it creates.
[assembly: NoTensorLeaks]
