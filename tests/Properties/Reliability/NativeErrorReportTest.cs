using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Properties.Reliability;

/// <summary>
/// A libtorch error inside a trial ends as an ordinary test failure whose message names the trial,
/// the TorchSharp operation and the suite's method that called it, on one worker or two; an error
/// that is not libtorch's keeps its own type.
/// </summary>
[TestFixture]
public sealed class NativeErrorReportTest
{
    static readonly string[] Items = ["fine", "mismatched", "fine again"];

    /// <summary>Multiplies a (2, 3) matrix by a (2, 3) matrix for the item "mismatched": libtorch refuses.</summary>
    static double Multiply(string item)
    {
        using var scope = NewDisposeScope();
        var a = ones(2, 3, dtype: ScalarType.Float64);
        var b = ones(item == "mismatched" ? 2 : 3, 3, dtype: ScalarType.Float64);
        return a.mm(b).sum().item<double>();
    }

    [TestCase(1)]
    [TestCase(2)]
    public void ANativeErrorInATrial_NamesTheTrialTheOperationAndTheCaller(int workers)
    {
        var error = Should.Throw<TrialFailedException>(() => TrialRunner.RunAll(Items, Multiply, workers));
        TestContext.Out.WriteLine(error.Message);
        error.Message.ShouldContain("trial 1 (mismatched)");
        error.Message.ShouldContain("native libtorch error in Tensor.mm");
        error.Message.ShouldContain($"called from {nameof(NativeErrorReportTest)}.{nameof(Multiply)}");
    }

    [Test]
    public void AnErrorThatIsNotLibtorchs_KeepsItsType()
    {
        Should.Throw<ArgumentOutOfRangeException>(() =>
            TrialRunner.RunAll(Items, item => item == "mismatched" ? throw new ArgumentOutOfRangeException(nameof(item)) : 1.0, workers: 2));
    }
}
