using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Data;
using Verify.Model.Theory;
using Verify.Properties.Claims;
using Verify.TestSupport;
using static TorchSharp.torch;
using Verify.Conjectures;

namespace Verify.Properties.Foundation;

/// <summary>
/// The exact-fit construction (notes claim 7) over generated teachers: positively scaled co-linear
/// copies, fan-outs adding back, extra nodes with zero fan-out, have zero loss and zero per-sample
/// gradient. This checks the construction, which holds by its algebra; it is not evidence for the
/// paper, so it is no claim of claims.json. Negative control: flipping one copy (c_k &lt; 0, so w_k
/// points away from w*_j) breaks the fit.
/// </summary>
[TestFixture]
public sealed class ExactFitConstructionTest
{
    static bool AtZero(ExactFitEvidence e) => e.Loss <= Tolerances.Float64Zero && e.MaxSampleGradient <= Tolerances.Float64Zero;

    static Arbitrary<(TeacherCase Teacher, int Copies, int Extra)> Cases() =>
        Arb.From(
            from t in ClaimGen.Teachers(maxD: 6, minWidth: 1, maxWidth: 4)
            from copies in Gen.Choose(1, 3)
            from extra in Gen.Choose(0, 3)
            select (t, copies, extra),
            c => ClaimGen.ShrinkTeacher(c.t, minWidth: 1).Select(t => (t, c.copies, c.extra))
                .Concat(c.copies > 1 ? [(c.t, 1, c.extra)] : [])
                .Concat(c.extra > 0 ? [(c.t, c.copies, 0)] : []));

    [Conjecture(MaxTest = 30)]
    public Property SpecializedConstruction_HasZeroLossAndZeroPerSampleGradient() =>
        Prop.ForAll(Cases(), c =>
        {
            using var scope = NewDisposeScope();
            using var teacher = c.Teacher.Build();
            using var data = Dataset.Gaussian(teacher, 100, Verify.Model.Runtime.Seeds.Of(c.Teacher.Seed, "train-inputs"));
            using var student = ExactFit.Build(teacher, c.Copies, c.Extra, Verify.Model.Runtime.Seeds.Of(c.Teacher.Seed, "exact-fit"));
            var fit = ExactFitEvidence.Measure(student, data);
            TestContext.Out.WriteLine(fit);
            return AtZero(fit).Label($"{c.Teacher}, copies {c.Copies}, extra {c.Extra}: {fit}")
                .Classify(c.Teacher.Leak > 0, "leaky");
        });

    [TestCase(0.0, 91L)]
    [TestCase(0.1, 92L)]
    public void FlippingOneCopy_BreaksTheFit(double leak, long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = new TeacherCase(4, [3], leak, 0, seed).Build();
        using var data = Dataset.Gaussian(teacher, 100, Verify.Model.Runtime.Seeds.Of(seed, "train-inputs"));
        using var student = ExactFit.Build(teacher, copies: 2, extraNodes: 1, seed: Verify.Model.Runtime.Seeds.Of(seed, "exact-fit"));
        using (no_grad())
        {
            student.Weights[0][.., 0].neg_();
            student.Weights[1][0].neg_();
        }
        var fit = ExactFitEvidence.Measure(student, data);
        TestContext.Out.WriteLine(fit);
        AtZero(fit).ShouldBeFalse(fit.ToString());
    }
}
