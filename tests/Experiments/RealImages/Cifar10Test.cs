using TorchSharp;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Experiments;

namespace Verify.Experiments.RealImages;

/// <summary>
/// The CIFAR-10 binary reader (1 label byte + 3,072 pixel bytes per record) on small files the
/// test writes, its errors on missing and malformed files, and the experiment's wiring on them.
/// </summary>
[TestFixture]
public sealed class Cifar10Test
{
    string dir = "";

    [SetUp]
    public void CreateFolder() => dir = Directory.CreateTempSubdirectory("verify-cifar-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    /// <summary>Writes <paramref name="count"/> records: label i % 10, pixel p of image i = (7 i + p) mod 256.</summary>
    static string WriteBatch(string folder, string name, int count, int seed = 0)
    {
        var bytes = new byte[count * Cifar10.RecordBytes];
        for (var i = 0; i < count; i++)
        {
            bytes[i * Cifar10.RecordBytes] = (byte)((i + seed) % 10);
            for (var p = 0; p < Cifar10.PixelsPerImage; p++)
                bytes[i * Cifar10.RecordBytes + 1 + p] = (byte)((7 * (i + seed) + p * (1 + (i + seed) % 3)) % 256);
        }
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void ReadsLabelsAndPixelsOfEveryRecord()
    {
        var path = WriteBatch(dir, "data_batch_1.bin", 12);

        var images = Cifar10.ReadFile(path);

        images.Count.ShouldBe(12);
        images.Labels.ShouldBe(Enumerable.Range(0, 12).Select(i => (byte)(i % 10)).ToArray());
        for (var i = 0; i < 12; i++)
            foreach (var p in new[] { 0, 1023, 1024, 3071 })
                images.Pixels[i * Cifar10.PixelsPerImage + p].ShouldBe((byte)((7 * i + p * (1 + i % 3)) % 256), $"image {i}, pixel {p}");
    }

    [Test]
    public void ReadsOnlyTheRequestedNumberOfRecords() =>
        Cifar10.ReadFile(WriteBatch(dir, "data_batch_1.bin", 12), maxRecords: 5).Count.ShouldBe(5);

    [Test]
    public void ATruncatedFile_IsRejectedWithItsSize()
    {
        var path = Path.Combine(dir, "data_batch_1.bin");
        File.WriteAllBytes(path, new byte[Cifar10.RecordBytes + 100]);

        var e = Should.Throw<InvalidDataException>(() => Cifar10.ReadFile(path));

        e.Message.ShouldContain($"{Cifar10.RecordBytes + 100} bytes");
        e.Message.ShouldContain("3073");
    }

    [Test]
    public void ALabelAboveNine_IsRejectedWithTheRecord()
    {
        var path = WriteBatch(dir, "data_batch_1.bin", 3);
        var bytes = File.ReadAllBytes(path);
        bytes[2 * Cifar10.RecordBytes] = 200;
        File.WriteAllBytes(path, bytes);

        Should.Throw<InvalidDataException>(() => Cifar10.ReadFile(path)).Message.ShouldContain("record 2 has label 200");
    }

    [Test]
    public void MissingFolderOrFiles_AreNamed()
    {
        Should.Throw<DirectoryNotFoundException>(() => Cifar10.ReadDirectory(Path.Combine(dir, "absent"), 10, 10)).Message.ShouldContain("absent");
        Should.Throw<FileNotFoundException>(() => Cifar10.ReadDirectory(dir, 10, 10)).Message.ShouldContain("data_batch_1.bin");
    }

    [Test]
    public void ReadsAcrossBatchFiles_AndPoolsToStandardizedInputs()
    {
        WriteBatch(dir, "data_batch_1.bin", 8);
        WriteBatch(dir, "data_batch_2.bin", 8, seed: 8);
        WriteBatch(dir, Cifar10.TestFile, 6, seed: 3);

        using var scope = torch.NewDisposeScope();
        var (train, eval) = Cifar10.ReadDirectory(dir, 12, 6);
        using var x = Cifar10.ToInputs(train, train, pool: 4, std: 1.5);

        train.Count.ShouldBe(12);
        train.Labels[8].ShouldBe((byte)8, "the 9th image is the first of data_batch_2.bin");
        eval.Count.ShouldBe(6);
        x.shape.ShouldBe([12L, Cifar10Experiment.InputDim]);
        x.mean([0L]).abs().max().item<double>().ShouldBeLessThan(1e-9, "every coordinate is centred on the reference set");
    }

    /// <summary>The experiment's wiring: a tiny sweep on generated images gives one run per multi with finite correlations.</summary>
    [Test, Verify.TestSupport.Judges("cifar10")]
    public void TheExperimentRunsOnImagesFromTheFolder()
    {
        WriteBatch(dir, "data_batch_1.bin", 60);
        WriteBatch(dir, Cifar10.TestFile, 40, seed: 5);
        var sweep = Cifar10Experiment.Sweep(ExperimentScale.Default) with { Seeds = [1] };
        sweep = sweep with { Base = sweep.Base with { NTrain = 60, NEval = 40, Epochs = 1, ItersPerEpoch = 20 } };

        var (runs, source) = Cifar10Experiment.Run(dir, sweep);

        runs.Select(r => r.Config.Multi).ShouldBe([1, 5]);
        runs.ShouldAllBe(r => r.BestCorrPerTeacher.All(double.IsFinite));
        source.ShouldContain("60 training images");
        var outcome = Verify.Model.Claims.ImagesOverRealizationClaim.Judge(runs, source);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldNotBe(Verify.Model.Claims.Verdict.Inconclusive, $"runs at two multis that did not diverge are judged: {outcome}");
    }
}
