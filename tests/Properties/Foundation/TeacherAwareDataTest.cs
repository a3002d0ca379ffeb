using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The teacher-aware augmentation puts one point of every triplet on its teacher node's boundary
/// (w*^T x + b = 0) and the other two at offset +-alpha ||w*||^2 from it (x +- alpha w*).
/// </summary>
[TestFixture]
public sealed class TeacherAwareDataTest
{
    [Test]
    public void PointsLieOnAndAtAlphaOffTheTeacherHyperplanes([Values(1, 2, 3)] long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(7, 5, outputs: 3), seed);
        using var data = TeacherAware.Inputs(teacher, 90, seed);
        data.Inputs.shape.ShouldBe([90L, 7L]);
        var w = teacher.Weights[0];
        var pre = (Verify.Model.Networks.RectifiedNetwork.Augment(data.Inputs).mm(w)).data<double>().ToArray();
        var wNorm2 = w.narrow(0, 0, 7).Squared().sum([0L]).data<double>().ToArray();
        for (var i = 0; i < data.Node.Count; i++)
        {
            var j = data.Node[i];
            var u = pre[i * 5 + j];
            var expected = data.Role[i] switch
            {
                TeacherAwareRole.OnBoundary => 0.0,
                TeacherAwareRole.Plus => data.Alpha[i] * wNorm2[j],
                _ => -data.Alpha[i] * wNorm2[j],
            };
            u.ShouldBe(expected, 1e-9, $"seed {seed}, point {i} ({data.Role[i]}) of teacher node {j + 1}");
            if (data.Role[i] != TeacherAwareRole.OnBoundary) data.Alpha[i].ShouldBeInRange(2.0, 4.0);
        }
        data.Node.Distinct().Count().ShouldBe(5, "every teacher node gets triplets");
    }

    [Test]
    public void GaussianData_PutsNoPointOnAnyBoundary()
    {
        // Negative control of the construction: generic points are almost surely off every hyperplane.
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(7, 5, outputs: 3), 1);
        var x = Inputs.Gaussian(90, 7, 1);
        var closest = Verify.Model.Networks.RectifiedNetwork.Augment(x).mm(teacher.Weights[0]).abs().min().item<double>();
        closest.ShouldBeGreaterThan(1e-9);
    }
}
