using NUnit.Framework;
using NUnit.Framework.Interfaces;
using TorchSharp;

namespace Verify.TestSupport;

/// <summary>
/// Fails any test that leaves more live tensors behind than it found: every tensor a test creates
/// must be disposed (by a dispose scope or by disposing the network or dataset that owns it).
/// The count is TorchSharp's own process-wide live-tensor counter, the one its dispose-scope
/// statistics are built on. Tests of an assembly run one at a time, so the count before and after
/// a test belongs to that test. Apply once per test assembly: <c>[assembly: NoTensorLeaks]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class NoTensorLeaksAttribute : Attribute, ITestAction
{
    const string Key = "Verify.LiveTensorsBefore";

    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
        Verify.Model.Runtime.TorchRuntime.EnsureInitialized();
        test.Properties.Set(Key, LiveTensors);
    }

    public void AfterTest(ITest test)
    {
        if (TestContext.CurrentContext.Result.Outcome.Status is TestStatus.Failed or TestStatus.Skipped) return;
        if (test.Properties.Get(Key) is not long before) return;
        var after = LiveTensors;
        if (after > before)
            throw new TensorLeakException($"{test.FullName} leaked {after - before} tensor(s): {before} live before the test, {after} after. " +
                        "Wrap tensor work in torch.NewDisposeScope() and dispose networks and datasets with 'using'.");
    }

    /// <summary>Tensors created and not yet disposed, in this process.</summary>
    public static long LiveTensors => torch.Tensor.TotalCount;
}

/// <summary>A test left tensors alive; NUnit reports it as the test's error.</summary>
public sealed class TensorLeakException(string message) : Exception(message);
