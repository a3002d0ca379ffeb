using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.Model.Experiments;

namespace Verify.Experiments.TwoLayer;

/// <summary>
/// The two-layer experiment with leaky ReLU (slope 0.1) teacher and student: the strongest third
/// of the teachers is covered in every over-realized run and the L-shape holds.
/// Seeds: both parts are per-run conditions, so each seed can falsify them; 2 seeds x multi {1, 5}.
/// The negative control of the L-shape part is <see cref="LShapeTest.LinearNetworks_DoNotShowTheLShape"/>
/// (slope 1, the rectification removed).
/// </summary>
[TestFixture]
public sealed class LeakyVariantTest
{
    [TestCase("default")]
    [TestCase("paper", Category = "Nightly")]
    public void LeakyStudentsSpecializeToStrongTeachers_AndShowTheLShape(string scale)
    {
        var outcome = LeakyVariant.Evaluate(ExperimentRuns.Leaky(scale));

        outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
    }
}
