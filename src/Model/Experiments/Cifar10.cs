using TorchSharp;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Experiments;

/// <summary>Images of one or more CIFAR-10 binary batch files: labels 0..9 and pixels (N, 3072) in [0, 255].</summary>
public sealed record Cifar10Images(byte[] Labels, byte[] Pixels, IReadOnlyList<string> Files)
{
    public int Count => Labels.Length;
}

/// <summary>
/// The CIFAR-10 binary format: each record is 1 label byte (0..9) followed by 3,072 pixel bytes
/// (1,024 red, 1,024 green, 1,024 blue, each 32 x 32 row-major). The binary distribution has
/// data_batch_1.bin .. data_batch_5.bin (10,000 records each) and test_batch.bin.
/// </summary>
public static class Cifar10
{
    public const int PixelsPerImage = 3 * 32 * 32;
    public const int RecordBytes = 1 + PixelsPerImage;
    public static readonly string[] TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    public const string TestFile = "test_batch.bin";

    /// <summary>Reads up to <paramref name="maxRecords"/> records of one batch file; throws <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    public static Cifar10Images ReadFile(string path, int maxRecords = int.MaxValue)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR-10 batch file '{path}' does not exist.", path);
        var length = new FileInfo(path).Length;
        if (length == 0 || length % RecordBytes != 0)
            throw new InvalidDataException($"'{path}' is not a CIFAR-10 binary batch: its size {length} bytes is not a positive multiple of {RecordBytes} (1 label byte + {PixelsPerImage} pixel bytes per image).");
        var count = (int)Math.Min(length / RecordBytes, maxRecords);
        var labels = new byte[count];
        var pixels = new byte[(long)count * PixelsPerImage];
        using var stream = File.OpenRead(path);
        var record = new byte[RecordBytes];
        for (var i = 0; i < count; i++)
        {
            stream.ReadExactly(record);
            if (record[0] > 9)
                throw new InvalidDataException($"'{path}' is not a CIFAR-10 binary batch: record {i} has label {record[0]}, labels are 0..9.");
            labels[i] = record[0];
            Buffer.BlockCopy(record, 1, pixels, i * PixelsPerImage, PixelsPerImage);
        }
        return new Cifar10Images(labels, pixels, [path]);
    }

    /// <summary>
    /// Reads <paramref name="count"/> training images from the data_batch files of <paramref name="directory"/>
    /// (the folder cifar-10-batches-bin), and <paramref name="evalCount"/> from test_batch.bin.
    /// </summary>
    public static (Cifar10Images Train, Cifar10Images Eval) ReadDirectory(string directory, int count, int evalCount)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"CIFAR-10 folder '{directory}' does not exist; pass the folder that holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin (cifar-10-batches-bin).");
        var present = TrainFiles.Select(f => Path.Combine(directory, f)).Where(File.Exists).ToArray();
        var test = Path.Combine(directory, TestFile);
        if (present.Length == 0 || !File.Exists(test))
            throw new FileNotFoundException($"'{directory}' lacks the CIFAR-10 binary files: need data_batch_1.bin (and up to data_batch_5.bin) and test_batch.bin.");
        var parts = new List<Cifar10Images>();
        var left = count;
        foreach (var f in present)
        {
            if (left <= 0) break;
            var part = ReadFile(f, left);
            parts.Add(part);
            left -= part.Count;
        }
        if (left > 0) throw new InvalidDataException($"'{directory}' holds only {count - left} training images; {count} were asked for.");
        var eval = ReadFile(test, evalCount);
        if (eval.Count < evalCount) throw new InvalidDataException($"'{test}' holds only {eval.Count} images; {evalCount} were asked for.");
        return (new Cifar10Images(parts.SelectMany(p => p.Labels).ToArray(), parts.SelectMany(p => p.Pixels).ToArray(), parts.SelectMany(p => p.Files).ToArray()), eval);
    }

    /// <summary>
    /// Network inputs from images: each channel average-pooled by <paramref name="pool"/> x <paramref name="pool"/>
    /// (32/pool squared per channel), then every coordinate standardized with <paramref name="reference"/>'s mean and std
    /// and scaled by <paramref name="std"/>, so the inputs sit on the same scale as the paper's Gaussian data.
    /// Returns (N, 3 (32/pool)^2) float64 on cpu.
    /// </summary>
    public static Tensor ToInputs(Cifar10Images images, Cifar10Images reference, int pool = 4, double std = 1.5)
    {
        if (pool < 1 || 32 % pool != 0) throw new ArgumentOutOfRangeException(nameof(pool), pool, "Pool must divide 32 (1, 2, 4, 8, 16 or 32).");
        using var scope = NewDisposeScope();
        var x = Pooled(images, pool);
        var r = Pooled(reference, pool);
        var mean = r.mean([0L], keepdim: true);
        var sd = r.std([0L], keepdim: true).ClampAtLeast(1e-6);
        return ((x - mean) / sd).Times(std).MoveToOuterDisposeScope();
    }

    static Tensor Pooled(Cifar10Images images, int pool)
    {
        var raw = tensor(images.Pixels, dtype: ScalarType.Byte).reshape(images.Count, 3, 32, 32).to(ScalarType.Float64);
        var pooled = pool == 1 ? raw : nn.functional.avg_pool2d(raw, pool, pool);
        return pooled.reshape(images.Count, -1);
    }
}
