using NUnit.Framework;
using NUnit.Framework.Internal;
using Shouldly;
using TorchSharp;
using Verify.TestSupport;
using Verify.Model.Runtime;

namespace Verify.Properties.Reliability;

/// <summary>The assembly-wide leak check can fail: a tensor left alive between BeforeTest and AfterTest is reported.</summary>
[TestFixture]
public sealed class LeakCheckTest
{
    [Test]
    public void ATensorLeftAlive_IsReportedWithTheCount()
    {
        var check = new NoTensorLeaksAttribute();
        var test = TestExecutionContext.CurrentContext.CurrentTest;
        check.BeforeTest(test);
        var leaked = torch.ones(3);
        try
        {
            var error = Should.Throw<TensorLeakException>(() => check.AfterTest(test));
            error.Message.ShouldContain("leaked 1 tensor(s)");
        }
        finally
        {
            leaked.Dispose();
        }
    }

    [Test]
    public void ATensorDisposedInAScope_IsNotReported()
    {
        var check = new NoTensorLeaksAttribute();
        var test = TestExecutionContext.CurrentContext.CurrentTest;
        check.BeforeTest(test);
        using (torch.NewDisposeScope())
            _ = torch.ones(3).Plus(1);
        Should.NotThrow(() => check.AfterTest(test));
    }
}
