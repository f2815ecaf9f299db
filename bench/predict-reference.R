# Reference forecasts from R's forecast package (Hyndman & Khandakar 2008) for the
# benchmark series, so that headroom's own models can be checked against them without a
# dependency on R. Run once; the output is committed.
#
#   node dist/bench/predict-export.js /tmp/hr-series
#   Rscript bench/predict-reference.R /tmp/hr-series bench/results
#
# For each series and each rolling origin k = 0..K-1 (training ends holdout + k*m points
# before the end; k = 0 is the documented split), fits snaive(), ets(), stlf() (mstl()
# for several periods) and thetaf() on the training part and forecasts `holdout` steps.
# Writes predict-r-forecasts.csv (long format) and predict-r-accuracy.csv (sMAPE, MASE
# with seasonal-naive scaling at period m, 80%/95% interval coverage).
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
indir <- if (length(args) >= 1) args[1] else "/tmp/hr-series"
outdir <- if (length(args) >= 2) args[2] else "bench/results"
K <- as.integer(Sys.getenv("HR_ORIGINS", "3"))
index <- read.csv(file.path(indir, "index.csv"), stringsAsFactors = FALSE)

smape <- function(a, f) mean(200 * abs(a - f) / pmax(abs(a) + abs(f), 1e-12))
mase <- function(a, f, train, m) {
  scale <- mean(abs(diff(train, lag = m)))
  mean(abs(a - f)) / scale
}

rows <- list()
acc <- list()
for (i in seq_len(nrow(index))) {
  name <- index$name[i]
  periods <- as.integer(strsplit(index$periods[i], " ")[[1]])
  h <- index$holdout[i]
  m <- index$m[i]
  y <- scan(file.path(indir, paste0(name, ".csv")), quiet = TRUE)
  n <- length(y)
  for (k in 0:(K - 1)) {
    end <- n - h - k * m
    train <- y[1:end]
    actual <- as.numeric(y[(end + 1):(end + h)])
    yt <- ts(train, frequency = m)
    ym <- if (length(periods) > 1) msts(train, seasonal.periods = periods) else yt
    t0 <- Sys.time()
    fits <- list(
      snaive = snaive(yt, h = h, level = c(80, 95)),
      ets = {
        fit <- ets(yt)
        forecast(fit, h = h, level = c(80, 95))
      },
      stlf = stlf(ym, h = h, level = c(80, 95)),
      thetaf = thetaf(yt, h = h, level = c(80, 95))
    )
    for (method in names(fits)) {
      fc <- fits[[method]]
      mean_ <- as.numeric(fc$mean)
      lo <- matrix(as.numeric(fc$lower), ncol = 2)
      hi <- matrix(as.numeric(fc$upper), ncol = 2)
      model <- if (!is.null(fc$method)) fc$method else method
      rows[[length(rows) + 1]] <- data.frame(
        series = name, origin = k, method = method, model = model, h = seq_len(h),
        actual = actual, mean = signif(mean_, 8),
        lo80 = signif(lo[, 1], 8), hi80 = signif(hi[, 1], 8),
        lo95 = signif(lo[, 2], 8), hi95 = signif(hi[, 2], 8)
      )
      acc[[length(acc) + 1]] <- data.frame(
        series = name, origin = k, method = method, model = model,
        smape = smape(actual, mean_), mase = mase(actual, mean_, train, m),
        cover80 = mean(actual >= lo[, 1] & actual <= hi[, 1]),
        cover95 = mean(actual >= lo[, 2] & actual <= hi[, 2])
      )
    }
    message(sprintf("%s origin %d: %.1fs (ets: %s)", name, k, as.numeric(Sys.time() - t0, units = "secs"), fits$ets$method))
  }
}
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
write.csv(do.call(rbind, rows), file.path(outdir, "predict-r-forecasts.csv"), row.names = FALSE)
write.csv(do.call(rbind, acc), file.path(outdir, "predict-r-accuracy.csv"), row.names = FALSE)
message(sprintf("R %s, forecast %s", R.version.string, packageVersion("forecast")))
