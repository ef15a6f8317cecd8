# Debian's chromium, headless, for the report's tests: the DOM after load (--dump-dom) and a screenshot (PNG), with a
# private profile in the test's folder, no network beyond the file:// page, and a device scale factor of 1, so that
# CSS pixels are screenshot pixels.

Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.IO.Compression;

public sealed class TestPng
{
    public int Width;
    public int Height;
    public byte[] Rgba = new byte[0];

    public int[] Pixel(int x, int y)
    {
        var i = ((y * Width) + x) * 4;
        return new[] { (int)Rgba[i], Rgba[i + 1], Rgba[i + 2], Rgba[i + 3] };
    }

    // 8-bit RGB or RGBA, not interlaced: what chromium writes.
    public static TestPng Read(string path)
    {
        var data = File.ReadAllBytes(path);
        var idat = new MemoryStream();
        int width = 0, height = 0, colorType = 0;
        for (var pos = 8; pos < data.Length;)
        {
            var length = (data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
            var type = System.Text.Encoding.ASCII.GetString(data, pos + 4, 4);
            if (type == "IHDR")
            {
                width = (data[pos + 8] << 24) | (data[pos + 9] << 16) | (data[pos + 10] << 8) | data[pos + 11];
                height = (data[pos + 12] << 24) | (data[pos + 13] << 16) | (data[pos + 14] << 8) | data[pos + 15];
                if (data[pos + 16] != 8 || data[pos + 20] != 0) throw new InvalidDataException("only 8-bit, non-interlaced PNG");
                colorType = data[pos + 17];
            }
            else if (type == "IDAT")
            {
                idat.Write(data, pos + 8, length);
            }

            pos += length + 12;
        }

        var channels = colorType == 6 ? 4 : colorType == 2 ? 3 : throw new InvalidDataException("color type " + colorType);
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var previous = new byte[stride];
        var line = new byte[stride];
        var png = new TestPng { Width = width, Height = height, Rgba = new byte[width * height * 4] };
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            Array.Copy(bytes, (y * (stride + 1)) + 1, line, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? line[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int add = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException("filter " + filter),
                };
                line[i] = (byte)(line[i] + add);
            }

            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 4;
                png.Rgba[o] = line[x * channels];
                png.Rgba[o + 1] = line[(x * channels) + 1];
                png.Rgba[o + 2] = line[(x * channels) + 2];
                png.Rgba[o + 3] = channels == 4 ? line[(x * channels) + 3] : (byte)255;
            }

            var t = previous; previous = line; line = t;
        }

        return png;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    // Pixels in the box that differ from the background colour, and those that are saturated (chart marks; the axes,
    // grid lines and labels are grey).
    public int[] Count(int left, int top, int width, int height, int[] background)
    {
        int differ = 0, coloured = 0;
        for (var y = Math.Max(0, top); y < Math.Min(Height, top + height); y++)
        {
            for (var x = Math.Max(0, left); x < Math.Min(Width, left + width); x++)
            {
                var i = ((y * Width) + x) * 4;
                int r = Rgba[i], g = Rgba[i + 1], b = Rgba[i + 2];
                if (Math.Abs(r - background[0]) + Math.Abs(g - background[1]) + Math.Abs(b - background[2]) > 24) differ++;
                if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 60) coloured++;
            }
        }

        return new[] { differ, coloured };
    }
}
'@

function Get-ChromiumPath {
    $c = Get-Command chromium -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $c) { throw 'chromium is not installed: apt-get install -y --no-install-recommends chromium (.ci/run installs it).' }
    $c.Source
}

function Invoke-Chromium {
    param([Parameter(Mandatory)] [string] $Profile, [Parameter(Mandatory)] [string[]] $Arguments, [int] $Width = 1280, [int] $Height = 2400)
    $flags = @('--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', "--window-size=$Width,$Height",
        "--user-data-dir=$Profile", '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-sync',
        '--disable-background-networking', '--disable-component-update', '--disable-default-apps', '--no-pings', '--mute-audio',
        '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>')
    $saved = $env:HOME
    try {
        # chromium writes its crash and font caches under $HOME: keep them in the test's folder.
        $env:HOME = $Profile
        $out = & (Get-ChromiumPath) @flags @Arguments 2>$null
        if ($LASTEXITCODE -ne 0) { throw "chromium $($Arguments -join ' ') exited $LASTEXITCODE" }
        $out
    }
    finally { $env:HOME = $saved }
}

function Get-RenderedDom {
    <# The page's DOM after load, as text. #>
    param([Parameter(Mandatory)] [string] $Page, [Parameter(Mandatory)] [string] $Profile, [string[]] $Extra = @())
    (Invoke-Chromium -Profile $Profile -Arguments ($Extra + @('--dump-dom', [Uri]::new($Page).AbsoluteUri))) -join "`n"
}

function Get-Screenshot {
    <# A screenshot of the page's first -Height pixels, decoded. #>
    param([Parameter(Mandatory)] [string] $Page, [Parameter(Mandatory)] [string] $Profile, [Parameter(Mandatory)] [string] $OutFile, [string[]] $Extra = @(), [int] $Height = 2400)
    $null = Invoke-Chromium -Profile $Profile -Height $Height -Arguments ($Extra + @("--screenshot=$OutFile", [Uri]::new($Page).AbsoluteUri))
    if (-not (Test-Path $OutFile)) { throw "chromium wrote no screenshot to $OutFile" }
    [TestPng]::Read($OutFile)
}

function Get-ChartBox {
    <#
    Where each chart is drawn, in page pixels: a copy of the page with a script that writes each svg.chart's box into
    a data-box attribute, rendered with --dump-dom at the same window size as the screenshot (the script changes no
    layout). The report itself has no script.
    #>
    param([Parameter(Mandatory)] [string] $Page, [Parameter(Mandatory)] [string] $Profile, [string[]] $Extra = @(), [int] $Height = 2400)
    $probe = [System.IO.Path]::ChangeExtension($Page, '.probe.html')
    $script = "<script>for (const s of document.querySelectorAll('svg.chart')) { const r = s.getBoundingClientRect(); s.setAttribute('data-box', [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(',')); }</script></body>"
    Set-Content -Path $probe -Value ((Get-Content $Page -Raw).Replace('</body>', $script)) -NoNewline
    $dom = (Invoke-Chromium -Profile $Profile -Height $Height -Arguments ($Extra + @('--dump-dom', [Uri]::new($probe).AbsoluteUri))) -join "`n"
    foreach ($m in [regex]::Matches($dom, '<svg class="chart" id="(?<id>[^"]+)"[^>]*data-box="(?<box>[^"]+)"')) {
        $b = $m.Groups['box'].Value.Split(',') | ForEach-Object { [int] $_ }
        [pscustomobject]@{ Id = $m.Groups['id'].Value; Left = $b[0]; Top = $b[1]; Width = $b[2]; Height = $b[3] }
    }
}

Export-ModuleMember -Function Get-ChromiumPath, Invoke-Chromium, Get-RenderedDom, Get-Screenshot, Get-ChartBox
