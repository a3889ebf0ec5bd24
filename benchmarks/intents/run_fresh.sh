#!/usr/bin/env bash
# A blind suite end to end: check it against its catalogues, then run it as run.sh does, each
# catalogue ingested with the plain `xmr ingest FILE`. FRESH picks the suite:
#   fresh  (default): fresh.jsonl  over garden.csv, records.csv, gear.csv
#   fresh2:           fresh2.jsonl over toys.csv, pharmacy.csv, furniture.csv
#   fresh3:           fresh3.jsonl over electronics.csv, petshop.csv, sports.csv
#   fresh4:           fresh4.jsonl over homeware.csv, stationery.csv, beauty.csv
#   fresh5:           fresh5.jsonl over music.csv, grocery.csv, fashion.csv
#   fresh6:           fresh6.jsonl over diy.csv, baby.csv, travel.csv
#   fresh7:           fresh7.jsonl over jewellery.csv, cycles.csv, crafts.csv
#   fresh8:           fresh8.jsonl over wine.csv, appliances.csv, footwear.csv
#   fresh9:           fresh9.jsonl over lighting.csv, cookware.csv, tea.csv
#   fresh10:          fresh10.jsonl over boardgames.csv, bedding.csv, deli.csv
#   fresh11:          fresh11.jsonl over cameras.csv, perfumery.csv, party.csv
#   fresh12:          fresh12.jsonl over watches.csv, plants.csv, motoring.csv
#   fresh13:          fresh13.jsonl over optician.csv, angling.csv, holidays.csv
#   fresh14:          fresh14.jsonl over usedcars.csv, boardsports.csv, artprints.csv
#   fresh15:          fresh15.jsonl over laptops.csv, restaurants.csv, courses.csv
#   fresh16:          fresh16.jsonl over events.csv, apartments.csv, phones.csv
#   fresh17:          fresh17.jsonl over bakery.csv, yarn.csv, aquarium.csv
#   fresh18:          fresh18.jsonl over cheese.csv, knives.csv, toolhire.csv
#   fresh19:          fresh19.jsonl over chocolate.csv, rugs.csv, scooters.csv
#   fresh20:          fresh20.jsonl over spices.csv, climbing.csv, keyboards.csv
#   fresh21:          fresh21.jsonl over equestrian.csv, drones.csv, oliveoil.csv
#   fresh22:          fresh22.jsonl over tyres.csv, kites.csv, hats.csv
#   fresh23:          fresh23.jsonl over luggage.csv, coffeegear.csv, swimwear.csv
#   fresh24:          fresh24.jsonl over honey.csv, pianos.csv, paint.csv
#   fresh25:          fresh25.jsonl over protection.csv, planters.csv, glassware.csv
#   fresh26:          fresh26.jsonl over stoves.csv, backpacks.csv, sewing.csv
#   fresh27:          fresh27.jsonl over birdcare.csv, pens.csv, fitness.csv
#   fresh28:          fresh28.jsonl over outerwear.csv, brewing.csv, smarthome.csv
#   fresh29:          fresh29.jsonl over skishop.csv, ceramique.csv, astro.csv
#   fresh30:          fresh30.jsonl over archery.csv, badausstattung.csv, windowdressing.csv
#   fresh31:          fresh31.jsonl over golf.csv, hifi.csv, apiary.csv
#   fresh32:          fresh32.jsonl over chandlery.csv, quincaillerie.csv, printing3d.csv
#   fresh33:          fresh33.jsonl over fairway.csv, grills.csv, diving.csv
#   fresh34:          fresh34.jsonl over campmobel.csv, modelrail.csv, saunashop.csv
#   fresh35:          fresh35.jsonl over wargaming.csv, bois_vent.csv, paddle.csv
#   fresh36:          fresh36.jsonl over racquets.csv, bougies.csv, dancewear.csv
#   fresh37:          fresh37.jsonl over guitarras.csv, terrarium.csv, officefit.csv
#   fresh38:          fresh38.jsonl over dojo.csv, cuesports.csv, piscinas.csv
#   fresh39:          fresh39.jsonl over flooring.csv, shaving.csv, puzzles.csv
#   fresh40:          fresh40.jsonl over bonsai.csv, magic.csv, boules.csv
#   fresh41:          fresh41.jsonl over conjuring.csv, microscopy.csv, parapluies.csv
#   fresh42:          fresh42.jsonl over falconry.csv, pressroom.csv, schnitzwerkzeug.csv
#   fresh43:          fresh43.jsonl over oarhouse.csv, zapateria.csv, inkbrush.csv
#   fresh44:          fresh44.jsonl over fencing.csv, uhrenstube.csv, ferment.csv
#   fresh45:          fresh45.jsonl over rink.csv, lutherie.csv, soapery.csv
#   fresh46:          fresh46.jsonl over crease.csv, marroquineria.csv, mycelium.csv
#   fresh47:          fresh47.jsonl over surfshack.csv, buchbinderei.csv, rocketworks.csv
#   fresh48:          fresh48.jsonl over vitrail.csv, oche.csv, hydro.csv
#   fresh49:          fresh49.jsonl over ajedrez.csv, ringside.csv, shack.csv
#   fresh50:          fresh50.jsonl over huehnerhof.csv, juggling.csv, prospecting.csv
#   fresh51:          fresh51.jsonl over fromagerie.csv, wicket.csv, tannery.csv
#   fresh52:          fresh52.jsonl over percusion.csv, smithy.csv, asana.csv
#   fresh53:          fresh53.jsonl over stickstube.csv, smokehouse.csv, philately.csv
#   fresh54:          fresh54.jsonl over mixologie.csv, hamradio.csv, rcpit.csv
#   fresh55:          fresh55.jsonl over meirong.csv, snowtrek.csv, lockup.csv
#   fresh56:          fresh56.jsonl over diaoyu.csv, hongbei.csv, birding.csv
#   fresh57:          fresh57.jsonl over qingjie.csv, patinetas.csv, detailing.csv
#   fresh58:          fresh58.jsonl over bewaesserung.csv, peijian.csv, frolf.csv
#   fresh59:          fresh59.jsonl over randonnee.csv, chaju.csv, claywork.csv
#   fresh60:          fresh60.jsonl over fogon.csv, sheying.csv, hackle.csv
#   fresh61:          fresh61.jsonl over laufladen.csv, shouna.csv, booth.csv
#   fresh62:          fresh62.jsonl over rayons.csv, canino.csv, darkroom.csv
#   fresh63:          fresh63.jsonl over hobelbank.csv, chudian.csv, fuzzbox.csv
#   fresh64:          fresh64.jsonl over huerto.csv, berceau.csv, arcade.csv
#   fresh65:          fresh65.jsonl over umzug.csv, kouqiang.csv, slumber.csv
#   fresh66:          fresh66.jsonl over merceria.csv, fourgon.csv, plumbing.csv
#   fresh67:          fresh67.jsonl over kleintier.csv, tiaowei.csv, scalekits.csv
#   fresh68:          fresh68.jsonl over cordonnerie.csv, electricista.csv, nutrition.csv
# Extra options go to `xmr eval`; XMR, PYTHON, DB and OUT (default: reports/intents-FRESH) as for run.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FRESH="${FRESH:-fresh}"
case "$FRESH" in
  fresh) TABLES="garden records gear" ;;
  fresh2) TABLES="toys pharmacy furniture" ;;
  fresh3) TABLES="electronics petshop sports" ;;
  fresh4) TABLES="homeware stationery beauty" ;;
  fresh5) TABLES="music grocery fashion" ;;
  fresh6) TABLES="diy baby travel" ;;
  fresh7) TABLES="jewellery cycles crafts" ;;
  fresh8) TABLES="wine appliances footwear" ;;
  fresh9) TABLES="lighting cookware tea" ;;
  fresh10) TABLES="boardgames bedding deli" ;;
  fresh11) TABLES="cameras perfumery party" ;;
  fresh12) TABLES="watches plants motoring" ;;
  fresh13) TABLES="optician angling holidays" ;;
  fresh14) TABLES="usedcars boardsports artprints" ;;
  fresh15) TABLES="laptops restaurants courses" ;;
  fresh16) TABLES="events apartments phones" ;;
  fresh17) TABLES="bakery yarn aquarium" ;;
  fresh18) TABLES="cheese knives toolhire" ;;
  fresh19) TABLES="chocolate rugs scooters" ;;
  fresh20) TABLES="spices climbing keyboards" ;;
  fresh21) TABLES="equestrian drones oliveoil" ;;
  fresh22) TABLES="tyres kites hats" ;;
  fresh23) TABLES="luggage coffeegear swimwear" ;;
  fresh24) TABLES="honey pianos paint" ;;
  fresh25) TABLES="protection planters glassware" ;;
  fresh26) TABLES="stoves backpacks sewing" ;;
  fresh27) TABLES="birdcare pens fitness" ;;
  fresh28) TABLES="outerwear brewing smarthome" ;;
  fresh29) TABLES="skishop ceramique astro" ;;
  fresh30) TABLES="archery badausstattung windowdressing" ;;
  fresh31) TABLES="golf hifi apiary" ;;
  fresh32) TABLES="chandlery quincaillerie printing3d" ;;
  fresh33) TABLES="fairway grills diving" ;;
  fresh34) TABLES="campmobel modelrail saunashop" ;;
  fresh35) TABLES="wargaming bois_vent paddle" ;;
  fresh36) TABLES="racquets bougies dancewear" ;;
  fresh37) TABLES="guitarras terrarium officefit" ;;
  fresh38) TABLES="dojo cuesports piscinas" ;;
  fresh39) TABLES="flooring shaving puzzles" ;;
  fresh40) TABLES="bonsai magic boules" ;;
  fresh41) TABLES="conjuring microscopy parapluies" ;;
  fresh42) TABLES="falconry pressroom schnitzwerkzeug" ;;
  fresh43) TABLES="oarhouse zapateria inkbrush" ;;
  fresh44) TABLES="fencing uhrenstube ferment" ;;
  fresh45) TABLES="rink lutherie soapery" ;;
  fresh46) TABLES="crease marroquineria mycelium" ;;
  fresh47) TABLES="surfshack buchbinderei rocketworks" ;;
  fresh48) TABLES="vitrail oche hydro" ;;
  fresh49) TABLES="ajedrez ringside shack" ;;
  fresh50) TABLES="huehnerhof juggling prospecting" ;;
  fresh51) TABLES="fromagerie wicket tannery" ;;
  fresh52) TABLES="percusion smithy asana" ;;
  fresh53) TABLES="stickstube smokehouse philately" ;;
  fresh54) TABLES="mixologie hamradio rcpit" ;;
  fresh55) TABLES="meirong snowtrek lockup" ;;
  fresh56) TABLES="diaoyu hongbei birding" ;;
  fresh57) TABLES="qingjie patinetas detailing" ;;
  fresh58) TABLES="bewaesserung peijian frolf" ;;
  fresh59) TABLES="randonnee chaju claywork" ;;
  fresh60) TABLES="fogon sheying hackle" ;;
  fresh61) TABLES="laufladen shouna booth" ;;
  fresh62) TABLES="rayons canino darkroom" ;;
  fresh63) TABLES="hobelbank chudian fuzzbox" ;;
  fresh64) TABLES="huerto berceau arcade" ;;
  fresh65) TABLES="umzug kouqiang slumber" ;;
  fresh66) TABLES="merceria fourgon plumbing" ;;
  fresh67) TABLES="kleintier tiaowei scalekits" ;;
  fresh68) TABLES="cordonnerie electricista nutrition" ;;
  *) echo "FRESH must be fresh or fresh2 … fresh68" >&2; exit 2 ;;
esac
"${PYTHON:-python}" "$HERE/check_suite.py" "$HERE/$FRESH.jsonl"
SUITE="$FRESH.jsonl" TABLES="$TABLES" OUT="${OUT:-reports/intents-$FRESH}" exec "$HERE/run.sh" "$@"
